// @shopify/storefront-api-client, as a storefront uses it: createStorefrontApiClient with a
// public access token, client.request(document, { variables }). The library always builds an
// https URL from storeDomain; the server under test listens on plain http on loopback, so the
// customFetchApi hook (the library's documented way to supply fetch) turns https into http there
// and changes nothing else.
import assert from 'node:assert/strict';
import { createStorefrontApiClient } from '@shopify/storefront-api-client';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function createAdapter({ url, token, apiVersion = '2026-04' }) {
  const client = createStorefrontApiClient({
    storeDomain: url,
    apiVersion,
    publicAccessToken: token,
    clientName: 'storefront-journey',
    customFetchApi: (requestUrl, init) => {
      const target = new URL(requestUrl);
      assert.equal(target.protocol, 'https:', 'the library asks for https');
      if (LOOPBACK.has(target.hostname)) target.protocol = 'http:';
      return fetch(target, init);
    },
  });
  assert.equal(client.getApiUrl(), `${new URL(url).origin.replace(/^http:/, 'https:')}/api/${apiVersion}/graphql.json`);

  return {
    name: 'storefront-api-client',
    // The library sends {query, variables}; one operation per document, so no operationName.
    async request(document, variables) {
      const response = await client.request(document, { variables });
      const { errors } = response;
      if (errors && !errors.graphQLErrors) {
        // An HTTP or network failure, not a GraphQL answer.
        throw new Error(
          `storefront-api-client: ${errors.message} (HTTP ${errors.networkStatusCode ?? 'none'})`,
        );
      }
      if (errors) {
        // GraphQL errors: ResponseErrors with the HTTP status and the server's errors array.
        assert.equal(errors.networkStatusCode, 200, 'GraphQL errors come with HTTP 200');
        assert.match(errors.message, /Review 'graphQLErrors' for details/);
      }
      return {
        data: response.data ?? null,
        errors: errors?.graphQLErrors ?? [],
        surfaced: errors
          ? `ClientResponse.errors {networkStatusCode: ${errors.networkStatusCode}, message: ${JSON.stringify(errors.message)}, graphQLErrors: [${errors.graphQLErrors.length}]}`
          : 'no errors',
      };
    },
  };
}
