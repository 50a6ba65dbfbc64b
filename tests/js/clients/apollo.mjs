// Apollo Client (@apollo/client/core): HttpLink + InMemoryCache, the default policies. Apollo adds
// __typename to every selection set and sends operationName; queries go to the network (the
// account page must show fresh data) and every result is written to the normalized cache.
// GraphQL errors surface as a thrown CombinedGraphQLErrors (errorPolicy "none", the default).
import assert from 'node:assert/strict';
import {
  ApolloClient,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  gql,
} from '@apollo/client/core';

/** Every object in a result carries __typename (Apollo asked for it everywhere). */
function assertTypenames(value, where) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertTypenames(item, `${where}[${i}]`));
  } else if (value && typeof value === 'object') {
    assert.equal(typeof value.__typename, 'string', `${where} has __typename`);
    for (const [key, inner] of Object.entries(value)) assertTypenames(inner, `${where}.${key}`);
  }
}

export function createAdapter({ url, token, apiVersion = '2026-04' }) {
  const sent = [];
  const link = new HttpLink({
    uri: `${url}/api/${apiVersion}/graphql.json`,
    headers: { 'X-Shopify-Storefront-Access-Token': token },
    // The platform's fetch, recording what Apollo actually sends.
    fetch: (input, init) => {
      sent.push(JSON.parse(init.body));
      return fetch(input, init);
    },
  });
  const cache = new InMemoryCache();
  const client = new ApolloClient({ link, cache });

  return {
    name: 'apollo',
    /** After the journey: the server's ids and typenames normalized into Apollo's cache. */
    finish() {
      const keys = Object.keys(cache.extract());
      for (const prefix of ['Customer:gid://shopify/Customer/', 'MailingAddress:gid://shopify/MailingAddress/']) {
        assert.ok(keys.some((key) => key.startsWith(prefix)), `the cache holds ${prefix}… (keys: ${keys.join(', ')})`);
      }
      return `Apollo's cache normalized ${keys.length} entries`;
    },
    async request(document, variables, operationName) {
      const query = gql(document);
      const operation = query.definitions.find((d) => d.kind === 'OperationDefinition');
      assert.equal(operation.name?.value, operationName, 'the document names the operation');
      const before = sent.length;
      const checkSent = () => {
        assert.equal(sent.length, before + 1, 'one HTTP request per operation');
        const body = sent[sent.length - 1];
        assert.equal(body.operationName, operationName, 'Apollo sends operationName');
        assert.match(body.query, /__typename/, 'Apollo adds __typename');
      };
      let result;
      try {
        result =
          operation.operation === 'mutation'
            ? await client.mutate({ mutation: query, variables })
            : await client.query({ query, variables, fetchPolicy: 'network-only' });
      } catch (error) {
        if (!CombinedGraphQLErrors.is(error)) throw error;
        checkSent();
        return {
          data: error.data ?? null,
          errors: error.errors,
          surfaced: `a thrown ${error.constructor.name}: ${JSON.stringify(error.message)}`,
        };
      }
      checkSent();
      assert.equal(result.error, undefined, 'no error');
      // The root selection set is the only one Apollo leaves alone.
      for (const [field, value] of Object.entries(result.data)) assertTypenames(value, field);
      return { data: result.data, errors: [], surfaced: 'no errors' };
    },
  };
}
