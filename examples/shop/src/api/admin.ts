import { expectOk } from './client';

/** A daily sales report, only for the back office. */
export interface SalesReport {
  day: string;
  orders: number;
  revenue_cents: number;
}

/** Lists the sales reports of the last 30 days. */
export async function listSalesReports(): Promise<SalesReport[]> {
  const response = await fetch('/api/admin/reports?days=30');
  return (await expectOk(response)).json() as Promise<SalesReport[]>;
}
