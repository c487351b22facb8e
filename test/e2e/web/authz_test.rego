# Tests of examples/shop/policy/authz.rego for the web e2e tests. By the policy (read by hand), an
# owner may read an order but not delete it: test_owner_reads passes, test_owner_deletes fails.
package api.authz_test

import data.api.authz

test_owner_reads if authz.allow with input as {"user": {"id": "alice", "role": "developer"}, "resource": {"owner_id": "alice"}, "action": "read"}

test_owner_deletes if authz.allow with input as {"user": {"id": "alice", "role": "developer"}, "resource": {"owner_id": "alice"}, "action": "delete"}
