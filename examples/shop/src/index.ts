import { listSalesReports } from './api/admin';
import { deleteOrder, getOrder, updateOrderStatus } from './api/orders';

/** The shop's order screen: shows an order and lets its owner cancel it. */
export async function showOrder(id: string): Promise<void> {
  const order = await getOrder(id);
  console.log(`order ${order.id}: ${order.status}`);
  if (order.status === 'open') {
    await updateOrderStatus(id, 'cancelled');
  }
}

/** Back-office clean-up: removes test orders and prints the sales reports. */
export async function cleanUp(testOrderIds: string[]): Promise<void> {
  for (const id of testOrderIds) {
    await deleteOrder(id);
  }
  console.table(await listSalesReports());
}
