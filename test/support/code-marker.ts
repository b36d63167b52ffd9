/** The file a pull request's code leaves in the repository root when plan runs it. */
export const MARKER = 'pwned-marker';

/**
 * Tasks for a pull request's playbook that create the marker file even in check mode: whatever plan
 * runs of the playbook, the marker shows.
 */
export const MARKER_TASK = `
    - name: Run on the runner
      ansible.builtin.file:
        path: "{{ inventory_dir }}/../${MARKER}"
        state: touch
        mode: "0644"
      check_mode: false
      run_once: true
`;
