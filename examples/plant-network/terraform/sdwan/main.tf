# The SD-WAN overlay between HQ, the plant and Berlin: one edge per site and one IPsec tunnel per
# pair of edges. It uses Terraform's built-in terraform_data resource, so `terraform plan` runs
# without downloading a provider; a real stack would use the SD-WAN controller's provider.
terraform {
  required_version = ">= 1.4"
}

variable "edges" {
  description = "SD-WAN edges by site: WAN address and the LAN prefix each advertises."
  type = map(object({
    wan_ip     = string
    lan_prefix = string
  }))
}

variable "tunnels" {
  description = "IPsec tunnels between edges, by name."
  type = map(object({
    a = string
    b = string
  }))
}

variable "tunnel_psk" {
  description = "IPsec pre-shared key for every tunnel. Set TF_VAR_tunnel_psk; never commit it."
  type        = string
  sensitive   = true
  # why: a demo value so the example plans out of the box; real stacks take it from TF_VAR_tunnel_psk.
  default = "sdwan-demo-psk-Q4v7"
}

resource "terraform_data" "edge" {
  for_each = var.edges
  input = {
    site       = each.key
    wan_ip     = each.value.wan_ip
    lan_prefix = each.value.lan_prefix
  }
}

resource "terraform_data" "tunnel" {
  for_each = var.tunnels
  input = {
    name   = each.key
    a      = terraform_data.edge[each.value.a].input.wan_ip
    b      = terraform_data.edge[each.value.b].input.wan_ip
    psk    = var.tunnel_psk
    ike    = "ikev2"
    cipher = "aes256-gcm"
  }
}

output "edges" {
  description = "WAN address of each edge."
  value       = { for site, edge in terraform_data.edge : site => edge.input.wan_ip }
}

output "tunnels" {
  description = "Tunnel endpoints."
  value       = sort(keys(terraform_data.tunnel))
}

output "tunnel_psk" {
  description = "The pre-shared key, for the controller hand-off (sensitive)."
  value       = var.tunnel_psk
  sensitive   = true
}
