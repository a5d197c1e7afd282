/** One GET to an on-call API with a timeout; a non-2xx answer throws with the API's status. */
export async function getJson(url: URL, headers: Record<string, string>, what: string, timeoutMs = 5000): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${what} answered HTTP ${response.status}`);
  return response.json();
}
