/** The commands the Ansible executor runs, by their netchange.yaml key, with their defaults. */
export const ANSIBLE_COMMANDS = {
  ansiblePlaybook: 'ansible-playbook',
  ansibleInventory: 'ansible-inventory',
} as const;
