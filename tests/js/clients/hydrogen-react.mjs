// @shopify/hydrogen-react's createStorefrontClient, as its documentation shows: the URL from
// getStorefrontApiUrl(), the headers from getPublicTokenHeaders(), and the platform's fetch. Like
// Hydrogen's storefront.query/mutate, the body is {query, variables}, and $country/$language are
// filled in from the storefront's locale when the document declares them (for @inContext).
import { createStorefrontClient } from '@shopify/hydrogen-react';

export function createAdapter({ url, token, apiVersion = '2026-04' }) {
  const client = createStorefrontClient({
    storeDomain: url,
    publicStorefrontToken: token,
    storefrontApiVersion: apiVersion,
  });
  const i18n = { country: 'CA', language: 'EN' };

  return {
    name: 'hydrogen-react',
    async request(document, variables) {
      const withLocale = { ...variables };
      for (const [name, value] of Object.entries(i18n)) {
        if (document.includes(`$${name}`) && withLocale[name] === undefined) withLocale[name] = value;
      }
      const response = await fetch(client.getStorefrontApiUrl(), {
        method: 'POST',
        headers: client.getPublicTokenHeaders(),
        body: JSON.stringify({ query: document, variables: withLocale }),
      });
      const contentType = response.headers.get('content-type') ?? '';
      const text = await response.text();
      if (!response.ok || !contentType.includes('application/json')) {
        throw new Error(`hydrogen-react: HTTP ${response.status} ${contentType}: ${text}`);
      }
      const body = JSON.parse(text);
      return {
        data: body.data ?? null,
        errors: body.errors ?? [],
        surfaced: body.errors
          ? `the JSON body's errors array (HTTP ${response.status}, ${contentType})`
          : 'no errors',
      };
    },
  };
}
