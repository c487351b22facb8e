# Tests of authz.rego, one per promise its comments make; run them with
# `npx clearance policy test examples/shop/policy` (or `opa test examples/shop/policy`).
package api.authz_test

import data.api.authz

# A request by `who` (alice, a developer; bob, an admin) to `action` an order that `owner` owns.
# Functions, not rules: a test package's rules would be offered as entrypoints.
request(who, action, owner) := {
	"user": {"id": who, "email": sprintf("%s@example.com", [who]), "role": role(who)},
	"action": action,
	"resource": {"type": "order", "id": "1001", "owner_id": owner},
}

role("bob") := "admin"

role(who) := "developer" if who != "bob"

# Nothing is allowed unless a rule allows it.
test_nothing_is_allowed_without_a_rule if {
	not authz.allow with input as {}
}

# Administrators may do anything, to orders they do not own too.
test_admin_may_delete_any_order if {
	authz.allow with input as request("bob", "delete", "alice")
}

# Everyone may read the orders they own.
test_owner_may_read_own_order if {
	authz.allow with input as request("alice", "read", "alice")
}

# Everyone may update the orders they own.
test_owner_may_update_own_order if {
	authz.allow with input as request("alice", "update", "alice")
}

# Owning an order is not enough to delete it: that is for administrators.
test_owner_may_not_delete_own_order if {
	not authz.allow with input as request("alice", "delete", "alice")
}

# Nobody but an administrator may read another's order.
test_others_may_not_read_an_order if {
	not authz.allow with input as request("alice", "read", "bob")
}

# A resource whose owner the code cannot say is not owned by the caller.
test_unknown_owner_is_not_owned if {
	report := {"user": {"id": "alice", "role": "developer"}, "action": "read", "resource": {"type": "report"}}
	not authz.allow with input as report
}
