# Tests of authz.rego, one per promise its comments make; run them with
# `npx clearance policy test examples/shop/policy` (or `opa test examples/shop/policy`).
package api.authz_test

import data.api.authz

alice := {"id": "alice", "email": "alice@example.com", "role": "developer"}

bob := {"id": "bob", "email": "bob@example.com", "role": "admin"}

order(owner) := {"type": "order", "id": "1001", "owner_id": owner}

# Nothing is allowed unless a rule allows it.
test_nothing_is_allowed_without_a_rule if {
	not authz.allow with input as {}
}

# Administrators may do anything, to orders they do not own too.
test_admin_may_delete_any_order if {
	authz.allow with input as {"user": bob, "action": "delete", "resource": order("alice")}
}

# Everyone may read the orders they own.
test_owner_may_read_own_order if {
	authz.allow with input as {"user": alice, "action": "read", "resource": order("alice")}
}

# Everyone may update the orders they own.
test_owner_may_update_own_order if {
	authz.allow with input as {"user": alice, "action": "update", "resource": order("alice")}
}

# Owning an order is not enough to delete it: that is for administrators.
test_owner_may_not_delete_own_order if {
	not authz.allow with input as {"user": alice, "action": "delete", "resource": order("alice")}
}

# Nobody but an administrator may read another's order.
test_others_may_not_read_an_order if {
	not authz.allow with input as {"user": alice, "action": "read", "resource": order("bob")}
}

# A resource whose owner the code cannot say is not owned by the caller.
test_unknown_owner_is_not_owned if {
	not authz.allow with input as {"user": alice, "action": "read", "resource": {"type": "report"}}
}
