/** Where the orders API lives; the gateway in front of it checks every call against policy/authz.rego. */
export const API_BASE = '/api';

/** Throws with the status text when the API refuses a call, so callers see denials as errors. */
export async function expectOk(response: Response): Promise<Response> {
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  return response;
}
