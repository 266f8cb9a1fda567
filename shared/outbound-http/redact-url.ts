/**
 * A URL fit for logs and error messages: user name and password removed (feed URLs sometimes
 * carry credentials). Text that is not a URL is returned as it is.
 */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return String(input);
  }
  if (url.username === '' && url.password === '') return url.href;
  url.username = '';
  url.password = '';
  return url.href;
}
