# The orders API's authorization policy: the canonical zero-trust shape.
# Nothing is allowed unless a rule below allows it.
package api.authz

default allow := false

# Administrators may do anything.
allow if input.user.role == "admin"

# Everyone may read and update the orders they own.
allow if {
	input.user.id == input.resource.owner_id
	input.action in ["read", "update"]
}
