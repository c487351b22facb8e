import { expectOk } from './client';

/** An order as the orders API returns it. */
export interface Order {
  id: string;
  owner_id: string;
  status: 'open' | 'paid' | 'shipped' | 'cancelled';
  total_cents: number;
}

/** Loads one order. */
export async function getOrder(id: string): Promise<Order> {
  const response = await fetch(`/api/orders/${id}`);
  return (await expectOk(response)).json() as Promise<Order>;
}

/** Changes an order's status, e.g. to cancel it before it ships. */
export async function updateOrderStatus(id: string, status: Order['status']): Promise<Order> {
  const response = await fetch(`/api/orders/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  return (await expectOk(response)).json() as Promise<Order>;
}

/** Deletes an order for good. */
export async function deleteOrder(id: string): Promise<void> {
  await expectOk(await fetch(`/api/orders/${id}`, { method: 'DELETE' }));
}
