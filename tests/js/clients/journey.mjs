// The whole customer journey a storefront makes, driven through a client adapter so that each real
// client library (storefront-api-client, hydrogen-react, Apollo Client) runs the same documents
// against the server, unchanged. tests/api/real_clients.rs runs it once per library.
//
// An adapter is `{ name, request(document, variables, operationName) }`, where `request` resolves
// to `{ data, errors, surfaced }`: the response's data, its top-level GraphQL errors as a plain
// array (taken from wherever the library puts them) and a short description of how the library
// surfaced them. Network and HTTP failures are thrown by the adapter.
//
// The documents are Hydrogen's legacy customer-account operations (the skeleton's
// `account*.tsx` routes: `@inContext(country:, language:)` on each operation), with the address
// and pagination fields a real account page selects.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Multipassify from 'multipassify';

// ------------------------------------------------------------------------------------ documents

const ADDRESS_FRAGMENT = `#graphql
  fragment Address on MailingAddress {
    id
    formatted
    formattedArea
    firstName
    lastName
    name
    company
    address1
    address2
    country
    countryCodeV2
    province
    provinceCode
    city
    zip
    phone
  }
`;

const CUSTOMER_FRAGMENT = `#graphql
  fragment Customer on Customer {
    id
    email
    firstName
    lastName
    displayName
    phone
    acceptsMarketing
    tags
    numberOfOrders
    createdAt
    updatedAt
    defaultAddress {
      ...Address
    }
    addresses(first: $first, after: $after) {
      edges {
        cursor
        node {
          ...Address
        }
      }
      nodes {
        id
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
  ${ADDRESS_FRAGMENT}
`;

const CUSTOMER_QUERY = `#graphql
  query Customer(
    $customerAccessToken: String!
    $first: Int = 10
    $after: String
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customer(customerAccessToken: $customerAccessToken) {
      ...Customer
    }
  }
  ${CUSTOMER_FRAGMENT}
`;

const USER_ERRORS = `customerUserErrors {
      code
      field
      message
    }`;

const CUSTOMER_CREATE_MUTATION = `#graphql
  mutation customerCreate(
    $input: CustomerCreateInput!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerCreate(input: $input) {
      customer {
        id
        email
        firstName
        lastName
        acceptsMarketing
      }
      ${USER_ERRORS}
    }
  }
`;

const LOGIN_MUTATION = `#graphql
  mutation login(
    $input: CustomerAccessTokenCreateInput!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerAccessTokenCreate(input: $input) {
      ${USER_ERRORS}
      customerAccessToken {
        accessToken
        expiresAt
      }
    }
  }
`;

const CREATE_ADDRESS_MUTATION = `#graphql
  mutation customerAddressCreate(
    $address: MailingAddressInput!
    $customerAccessToken: String!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerAddressCreate(address: $address, customerAccessToken: $customerAccessToken) {
      customerAddress {
        ...Address
      }
      ${USER_ERRORS}
    }
  }
  ${ADDRESS_FRAGMENT}
`;

const UPDATE_ADDRESS_MUTATION = `#graphql
  mutation customerAddressUpdate(
    $address: MailingAddressInput!
    $customerAccessToken: String!
    $id: ID!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerAddressUpdate(address: $address, customerAccessToken: $customerAccessToken, id: $id) {
      customerAddress {
        ...Address
      }
      ${USER_ERRORS}
    }
  }
  ${ADDRESS_FRAGMENT}
`;

const UPDATE_DEFAULT_ADDRESS_MUTATION = `#graphql
  mutation customerDefaultAddressUpdate(
    $addressId: ID!
    $customerAccessToken: String!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerDefaultAddressUpdate(addressId: $addressId, customerAccessToken: $customerAccessToken) {
      customer {
        id
        defaultAddress {
          id
        }
      }
      ${USER_ERRORS}
    }
  }
`;

const DELETE_ADDRESS_MUTATION = `#graphql
  mutation customerAddressDelete(
    $customerAccessToken: String!
    $id: ID!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerAddressDelete(customerAccessToken: $customerAccessToken, id: $id) {
      ${USER_ERRORS}
      deletedCustomerAddressId
    }
  }
`;

const CUSTOMER_UPDATE_MUTATION = `#graphql
  mutation customerUpdate(
    $customerAccessToken: String!
    $customer: CustomerUpdateInput!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(language: $language, country: $country) {
    customerUpdate(customerAccessToken: $customerAccessToken, customer: $customer) {
      customer {
        acceptsMarketing
        displayName
        email
        firstName
        id
        lastName
        phone
      }
      customerAccessToken {
        accessToken
        expiresAt
      }
      ${USER_ERRORS}
    }
  }
`;

const RENEW_MUTATION = `#graphql
  mutation customerAccessTokenRenew(
    $customerAccessToken: String!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerAccessTokenRenew(customerAccessToken: $customerAccessToken) {
      customerAccessToken {
        accessToken
        expiresAt
      }
      userErrors {
        field
        message
      }
    }
  }
`;

const LOGOUT_MUTATION = `#graphql
  mutation customerAccessTokenDelete(
    $customerAccessToken: String!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerAccessTokenDelete(customerAccessToken: $customerAccessToken) {
      deletedAccessToken
      deletedCustomerAccessTokenId
      userErrors {
        field
        message
      }
    }
  }
`;

const CUSTOMER_RECOVER_MUTATION = `#graphql
  mutation customerRecover(
    $email: String!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerRecover(email: $email) {
      ${USER_ERRORS}
    }
  }
`;

const CUSTOMER_RESET_BY_URL_MUTATION = `#graphql
  mutation customerResetByUrl(
    $resetUrl: URL!
    $password: String!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerResetByUrl(resetUrl: $resetUrl, password: $password) {
      customer {
        id
        email
      }
      customerAccessToken {
        accessToken
        expiresAt
      }
      ${USER_ERRORS}
    }
  }
`;

const MULTIPASS_MUTATION = `#graphql
  mutation customerAccessTokenCreateWithMultipass(
    $multipassToken: String!
    $country: CountryCode
    $language: LanguageCode
  ) @inContext(country: $country, language: $language) {
    customerAccessTokenCreateWithMultipass(multipassToken: $multipassToken) {
      customerAccessToken {
        accessToken
        expiresAt
      }
      ${USER_ERRORS}
    }
  }
`;

// ------------------------------------------------------------------------------------ helpers

const CUSTOMER_ID = /^gid:\/\/shopify\/Customer\/\d+$/;
const ADDRESS_ID = /^gid:\/\/shopify\/MailingAddress\/\d+\?model_name=CustomerAddress$/;
const ACCESS_TOKEN = /^[0-9a-f]{32}$/;
const DAY = 24 * 3600 * 1000;

/** A copy without Apollo's `__typename` fields, for comparisons with plain expectations. */
export function withoutTypename(value) {
  if (Array.isArray(value)) return value.map(withoutTypename);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== '__typename')
        .map(([key, inner]) => [key, withoutTypename(inner)]),
    );
  }
  return value;
}

const show = (value) => JSON.stringify(value);

/** An ISO 8601 instant, to the second, in UTC (Shopify's `DateTime`). */
function instant(text, what) {
  assert.match(text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${what} is a Shopify DateTime`);
  return Date.parse(text);
}

function assertToken(payloadToken, what) {
  assert.ok(payloadToken, `${what}: a customerAccessToken`);
  assert.match(payloadToken.accessToken, ACCESS_TOKEN, `${what}: 32 hex characters`);
  const expires = instant(payloadToken.expiresAt, `${what}: expiresAt`);
  assert.ok(expires > Date.now() + 41 * DAY, `${what}: valid for 42 days (${payloadToken.expiresAt})`);
  return payloadToken.accessToken;
}

function noUserErrors(payload, what) {
  assert.ok(payload, `${what}: a payload (got ${show(payload)})`);
  assert.deepEqual(withoutTypename(payload.customerUserErrors ?? []), [], `${what}: customerUserErrors`);
  assert.deepEqual(withoutTypename(payload.userErrors ?? []), [], `${what}: userErrors`);
}

/** A number derived from the client's name, so that each client's customer has its own phone. */
function phoneSuffix(client) {
  let sum = 0;
  for (const ch of client) sum = (sum * 31 + ch.charCodeAt(0)) % 90;
  return String(10 + sum).padStart(2, '0');
}

// ------------------------------------------------------------------------------------ mail

/** The text of a mail with quoted-printable soft breaks and `=3D` undone. */
function unfold(message) {
  return message.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
}

function emlFiles(dir) {
  let names = [];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  return names
    .filter((name) => name.endsWith('.eml'))
    .map((name) => {
      const file = path.join(dir, name);
      return { name, file, mtime: fs.statSync(file).mtimeMs };
    });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The newest `.eml` file that appeared in `dir` since `before` (names seen earlier) and is
 * addressed to `email`, read once it is complete (the sender writes it in place).
 */
async function waitForMail(dir, before, email, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const fresh = emlFiles(dir)
      .filter(({ name }) => !before.has(name))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { file } of fresh) {
      const text = fs.readFileSync(file, 'utf8');
      await sleep(30);
      if (text.length > 0 && text === fs.readFileSync(file, 'utf8') && unfold(text).includes(email)) {
        return { file, text };
      }
    }
    await sleep(50);
  }
  throw new assert.AssertionError({
    message: `no mail to ${email} appeared in ${dir} within ${timeoutMs} ms (files: ${show(emlFiles(dir).map((f) => f.name))})`,
  });
}

/** The `/account/{kind}/{id}/{token}` link of a message. */
export function accountLink(message, kind) {
  const text = unfold(message);
  const match = text.match(new RegExp(`https?://[^\\s"'<>]+/account/${kind}/\\d+/[^\\s"'<>]+`));
  assert.ok(match, `a ${kind} link in the mail:\n${text}`);
  return match[0];
}

// ------------------------------------------------------------------------------------ journey

/**
 * Runs the journey. `options`: `{ client, mailDir, multipassSecret, log }`. Every step asserts;
 * the first failure throws (an AssertionError naming the step).
 */
export async function runJourney(adapter, { client, mailDir, multipassSecret, log = console.log }) {
  const email = `journey-${client}@example.com`;
  const password = 'journey-password-1';
  const newPassword = 'journey-password-2';
  const resetPassword = 'journey-password-3';
  const steps = [];

  let current = 'start';
  async function step(name, body) {
    current = name;
    const started = performance.now();
    await body();
    const ms = Math.round(performance.now() - started);
    steps.push({ name, ms });
    log(`ok ${steps.length} - ${name} (${ms} ms)`);
  }

  /** Runs an operation that must answer without top-level errors; returns its data. */
  async function run(document, variables, operationName) {
    const result = await adapter.request(document, variables, operationName);
    assert.deepEqual(
      result.errors ?? [],
      [],
      `${operationName}: no top-level errors (got ${show(result.errors)})`,
    );
    assert.ok(result.data, `${operationName}: data`);
    return result.data;
  }

  async function login(withPassword) {
    const data = await run(LOGIN_MUTATION, { input: { email, password: withPassword } }, 'login');
    return data.customerAccessTokenCreate;
  }

  async function readCustomer(customerAccessToken, page = {}) {
    const data = await run(CUSTOMER_QUERY, { customerAccessToken, ...page }, 'Customer');
    return data.customer;
  }

  /** The streets of the listed addresses, checking that edges and nodes agree. */
  function listed(customer) {
    const { edges, nodes } = customer.addresses;
    assert.deepEqual(
      nodes.map((node) => node.id),
      edges.map((edge) => edge.node.id),
      'addresses: nodes and edges list the same ids',
    );
    for (const edge of edges) assert.ok(edge.cursor, 'every edge has a cursor');
    return edges.map((edge) => edge.node);
  }

  try {
    let customerId;
    let token;

    // 1. Sign up.
    await step('sign up (customerCreate)', async () => {
      const data = await run(
        CUSTOMER_CREATE_MUTATION,
        {
          input: { email, password, firstName: 'Ada', lastName: 'Lovelace', acceptsMarketing: false },
        },
        'customerCreate',
      );
      noUserErrors(data.customerCreate, 'customerCreate');
      const { customer } = data.customerCreate;
      assert.match(customer.id, CUSTOMER_ID, 'customer id');
      assert.equal(customer.email, email);
      assert.equal(customer.firstName, 'Ada');
      assert.equal(customer.lastName, 'Lovelace');
      assert.equal(customer.acceptsMarketing, false);
      customerId = customer.id;

      // The same email again (differently cased) is TAKEN, reported on its field.
      const again = await run(
        CUSTOMER_CREATE_MUTATION,
        { input: { email: email.toUpperCase(), password } },
        'customerCreate',
      );
      assert.equal(again.customerCreate.customer, null, 'no second customer');
      assert.deepEqual(withoutTypename(again.customerCreate.customerUserErrors), [
        { code: 'TAKEN', field: ['input', 'email'], message: 'Email has already been taken' },
      ]);
    });

    // 2. Log in.
    await step('log in (customerAccessTokenCreate)', async () => {
      const wrong = await login('not-the-password');
      assert.equal(wrong.customerAccessToken, null, 'a wrong password gets no token');
      assert.deepEqual(withoutTypename(wrong.customerUserErrors), [
        { code: 'UNIDENTIFIED_CUSTOMER', field: null, message: 'Unidentified customer' },
      ]);
      const payload = await login(password);
      noUserErrors(payload, 'customerAccessTokenCreate');
      token = assertToken(payload.customerAccessToken, 'customerAccessTokenCreate');
    });

    // 3. Read the account.
    await step('read the account (customer)', async () => {
      const customer = await readCustomer(token);
      assert.ok(customer, 'the token reads the customer');
      assert.equal(customer.id, customerId);
      assert.equal(customer.email, email);
      assert.equal(customer.displayName, 'Ada Lovelace');
      assert.equal(customer.phone, null);
      assert.equal(customer.acceptsMarketing, false);
      assert.deepEqual([...customer.tags], []);
      assert.equal(customer.numberOfOrders, '0');
      const created = instant(customer.createdAt, 'createdAt');
      assert.ok(Math.abs(Date.now() - created) < 5 * 60 * 1000, 'createdAt is now');
      instant(customer.updatedAt, 'updatedAt');
      assert.equal(customer.defaultAddress, null, 'no default address yet');
      assert.deepEqual(listed(customer), []);
      assert.deepEqual(withoutTypename(customer.addresses.pageInfo), {
        hasNextPage: false,
        hasPreviousPage: false,
        startCursor: null,
        endCursor: null,
      });
    });

    // 4. Manage addresses.
    let ottawa;
    let newYork;
    await step('manage addresses (create, update, default, delete)', async () => {
      const create = async (address) => {
        const data = await run(
          CREATE_ADDRESS_MUTATION,
          { address, customerAccessToken: token },
          'customerAddressCreate',
        );
        noUserErrors(data.customerAddressCreate, 'customerAddressCreate');
        const created = data.customerAddressCreate.customerAddress;
        assert.match(created.id, ADDRESS_ID, 'address id');
        return created;
      };
      ottawa = await create({
        address1: '1 Storefront Main St',
        city: 'Ottawa',
        province: 'Ontario',
        country: 'Canada',
        zip: 'K1A 0B1',
        phone: '+1 (613) 555-0199',
      });
      assert.deepEqual(
        withoutTypename({ ...ottawa, id: undefined }),
        {
          id: undefined,
          formatted: ['1 Storefront Main St', 'Ottawa ON K1A 0B1', 'Canada'],
          formattedArea: 'Ottawa ON, Canada',
          firstName: 'Ada',
          lastName: 'Lovelace',
          name: 'Ada Lovelace',
          company: null,
          address1: '1 Storefront Main St',
          address2: null,
          country: 'Canada',
          countryCodeV2: 'CA',
          province: 'Ontario',
          provinceCode: 'ON',
          city: 'Ottawa',
          zip: 'K1A 0B1',
          phone: '+1 (613) 555-0199',
        },
        'the Ottawa address, normalized',
      );
      newYork = await create({
        company: 'Analytical Engines',
        address1: '1 Main St',
        address2: 'Apt 2',
        city: 'New York',
        province: 'NY',
        country: 'US',
        zip: '10001',
      });
      assert.deepEqual([...newYork.formatted], [
        'Analytical Engines',
        '1 Main St',
        'Apt 2',
        'New York, NY 10001',
        'United States',
      ]);
      assert.equal(newYork.province, 'New York');
      assert.equal(newYork.country, 'United States');

      // The first address became the default; both are listed in creation order.
      let customer = await readCustomer(token);
      assert.equal(customer.defaultAddress?.id, ottawa.id, 'the first address is the default');
      assert.deepEqual(listed(customer).map((a) => a.id), [ottawa.id, newYork.id]);

      // Pages of one: the cursor leads to the second address.
      const first = (await readCustomer(token, { first: 1 })).addresses;
      assert.deepEqual(first.nodes.map((a) => a.id), [ottawa.id]);
      assert.equal(first.pageInfo.hasNextPage, true, 'page 1 of 2 has a next page');
      assert.equal(first.pageInfo.hasPreviousPage, false);
      assert.equal(first.pageInfo.endCursor, first.edges[0].cursor);
      const second = (await readCustomer(token, { first: 1, after: first.pageInfo.endCursor }))
        .addresses;
      assert.deepEqual(second.nodes.map((a) => a.id), [newYork.id]);
      assert.equal(second.pageInfo.hasNextPage, false, 'page 2 of 2 is the last');

      // An update changes only the fields it sends.
      const updated = await run(
        UPDATE_ADDRESS_MUTATION,
        { address: { address1: '350 Fifth Avenue' }, customerAccessToken: token, id: newYork.id },
        'customerAddressUpdate',
      );
      noUserErrors(updated.customerAddressUpdate, 'customerAddressUpdate');
      const moved = updated.customerAddressUpdate.customerAddress;
      assert.equal(moved.id, newYork.id);
      assert.equal(moved.address1, '350 Fifth Avenue');
      assert.equal(moved.address2, 'Apt 2');
      assert.equal(moved.company, 'Analytical Engines');
      assert.equal(moved.zip, '10001');
      assert.equal(moved.provinceCode, 'NY');

      // The second address becomes the default.
      const defaulted = await run(
        UPDATE_DEFAULT_ADDRESS_MUTATION,
        { addressId: newYork.id, customerAccessToken: token },
        'customerDefaultAddressUpdate',
      );
      noUserErrors(defaulted.customerDefaultAddressUpdate, 'customerDefaultAddressUpdate');
      assert.equal(defaulted.customerDefaultAddressUpdate.customer.id, customerId);
      assert.equal(defaulted.customerDefaultAddressUpdate.customer.defaultAddress.id, newYork.id);
      customer = await readCustomer(token);
      assert.equal(customer.defaultAddress.id, newYork.id);
      assert.equal(customer.defaultAddress.address1, '350 Fifth Avenue');
      assert.deepEqual(
        listed(customer).map((a) => a.id),
        [ottawa.id, newYork.id],
        'the default does not change the order',
      );

      // Deleting the default makes the remaining address the default.
      const deleted = await run(
        DELETE_ADDRESS_MUTATION,
        { customerAccessToken: token, id: newYork.id },
        'customerAddressDelete',
      );
      noUserErrors(deleted.customerAddressDelete, 'customerAddressDelete');
      assert.equal(deleted.customerAddressDelete.deletedCustomerAddressId, newYork.id);
      customer = await readCustomer(token);
      assert.deepEqual(listed(customer).map((a) => a.id), [ottawa.id]);
      assert.equal(customer.defaultAddress?.id, ottawa.id, 'the default moved to the remaining one');
      assert.equal(customer.defaultAddress.formattedArea, 'Ottawa ON, Canada');
      assert.equal(customer.addresses.pageInfo.hasNextPage, false);

      // Deleting it again: NOT_FOUND, nothing revealed.
      const again = await run(
        DELETE_ADDRESS_MUTATION,
        { customerAccessToken: token, id: newYork.id },
        'customerAddressDelete',
      );
      assert.equal(again.customerAddressDelete.deletedCustomerAddressId, null);
      assert.deepEqual(
        withoutTypename(again.customerAddressDelete.customerUserErrors).map((e) => e.code),
        ['NOT_FOUND'],
      );
    });

    // 5. Update the profile, then the password.
    const phone = `+1 613 555 01${phoneSuffix(client)}`;
    await step('update the profile and the password (customerUpdate)', async () => {
      const profile = await run(
        CUSTOMER_UPDATE_MUTATION,
        {
          customerAccessToken: token,
          customer: { firstName: 'Augusta Ada', lastName: 'King', phone, acceptsMarketing: true },
        },
        'customerUpdate',
      );
      noUserErrors(profile.customerUpdate, 'customerUpdate');
      const updated = profile.customerUpdate.customer;
      assert.equal(updated.id, customerId);
      assert.equal(updated.firstName, 'Augusta Ada');
      assert.equal(updated.lastName, 'King');
      assert.equal(updated.displayName, 'Augusta Ada King');
      assert.equal(updated.phone, phone.replace(/ /g, ''), 'the phone in E.164');
      assert.equal(updated.acceptsMarketing, true);
      assert.equal(updated.email, email);
      assert.equal(profile.customerUpdate.customerAccessToken, null, 'no password change, no token');
      assert.equal((await readCustomer(token))?.displayName, 'Augusta Ada King');

      const changed = await run(
        CUSTOMER_UPDATE_MUTATION,
        { customerAccessToken: token, customer: { password: newPassword } },
        'customerUpdate',
      );
      noUserErrors(changed.customerUpdate, 'customerUpdate (password)');
      const fresh = assertToken(changed.customerUpdate.customerAccessToken, 'customerUpdate (password)');
      assert.notEqual(fresh, token, 'a new token');
      assert.equal(changed.customerUpdate.customer.firstName, 'Augusta Ada', 'names kept');
      assert.equal(await readCustomer(token), null, 'the old token reads customer: null');
      const customer = await readCustomer(fresh);
      assert.equal(customer?.id, customerId, 'the new token reads the customer');
      assert.equal(customer.phone, phone.replace(/ /g, ''));
      assert.equal(customer.defaultAddress?.id, ottawa.id, 'the address book is kept');
      assert.equal((await login(password)).customerAccessToken, null, 'the old password is refused');
      assertToken((await login(newPassword)).customerAccessToken, 'login with the new password');
      token = fresh;
    });

    // 6. Renew, then delete the token; a second delete is refused at the top level.
    await step('renew and delete the token', async () => {
      assert.ok(await readCustomer(token), 'the token works before renewal');
      const renewed = await run(RENEW_MUTATION, { customerAccessToken: token }, 'customerAccessTokenRenew');
      noUserErrors(renewed.customerAccessTokenRenew, 'customerAccessTokenRenew');
      const renewedToken = renewed.customerAccessTokenRenew.customerAccessToken;
      assert.equal(assertToken(renewedToken, 'customerAccessTokenRenew'), token, 'renew keeps the value');

      const deleted = await run(LOGOUT_MUTATION, { customerAccessToken: token }, 'customerAccessTokenDelete');
      noUserErrors(deleted.customerAccessTokenDelete, 'customerAccessTokenDelete');
      assert.equal(deleted.customerAccessTokenDelete.deletedAccessToken, token);
      assert.ok(deleted.customerAccessTokenDelete.deletedCustomerAccessTokenId, 'a deleted token id');
      assert.equal(await readCustomer(token), null, 'a deleted token reads customer: null');

      const again = await adapter.request(
        LOGOUT_MUTATION,
        { customerAccessToken: token },
        'customerAccessTokenDelete',
      );
      const errors = withoutTypename(again.errors ?? []);
      assert.equal(errors.length, 1, `one top-level error (got ${show(again)})`);
      assert.equal(errors[0].extensions?.code, 'ACCESS_DENIED', show(errors[0]));
      assert.deepEqual(errors[0].path, ['customerAccessTokenDelete']);
      assert.match(errors[0].message, /^Access denied for customerAccessTokenDelete field\./);
      assert.equal(again.data?.customerAccessTokenDelete ?? null, null, 'no payload');
      log(`    the second delete surfaced as: ${again.surfaced}`);
    });

    // 7. Recover and reset through the mail.
    await step('recover and reset the password through the mail', async () => {
      const before = new Set(emlFiles(mailDir).map((f) => f.name));
      const recovered = await run(CUSTOMER_RECOVER_MUTATION, { email }, 'customerRecover');
      noUserErrors(recovered.customerRecover, 'customerRecover');
      const mail = await waitForMail(mailDir, before, email);
      const resetUrl = accountLink(mail.text, 'reset');
      const numericId = customerId.split('/').pop();
      assert.ok(
        new URL(resetUrl).pathname.startsWith(`/account/reset/${numericId}/`),
        `the link names the customer: ${resetUrl}`,
      );
      log(`    mail: ${path.basename(mail.file)}, link ${resetUrl}`);

      const reset = await run(
        CUSTOMER_RESET_BY_URL_MUTATION,
        { resetUrl, password: resetPassword },
        'customerResetByUrl',
      );
      noUserErrors(reset.customerResetByUrl, 'customerResetByUrl');
      assert.equal(reset.customerResetByUrl.customer.id, customerId);
      assert.equal(reset.customerResetByUrl.customer.email, email);
      const resetToken = assertToken(reset.customerResetByUrl.customerAccessToken, 'customerResetByUrl');
      assert.equal((await readCustomer(resetToken))?.id, customerId, 'the reset token reads the customer');

      const loggedIn = await login(resetPassword);
      noUserErrors(loggedIn, 'login after the reset');
      const loginToken = assertToken(loggedIn.customerAccessToken, 'login after the reset');
      assert.equal((await readCustomer(loginToken))?.email, email);
      assert.equal((await login(newPassword)).customerAccessToken, null, 'the previous password is refused');

      // A spent link: Shopify's top-level NOT_FOUND "Unidentified customer", no payload.
      const reused = await adapter.request(
        CUSTOMER_RESET_BY_URL_MUTATION,
        { resetUrl, password: 'journey-password-4' },
        'customerResetByUrl',
      );
      const errors = withoutTypename(reused.errors ?? []);
      assert.equal(errors.length, 1, `a reset link works once (got ${show(reused)})`);
      assert.equal(errors[0].extensions?.code, 'NOT_FOUND', show(errors[0]));
      assert.equal(errors[0].message, 'Unidentified customer');
      assert.deepEqual(errors[0].path, ['customerResetByUrl']);
      assert.equal(reused.data?.customerResetByUrl ?? null, null, 'no payload');
      assert.ok((await login(resetPassword)).customerAccessToken, 'the password stays as reset');
    });

    // 8. Multipass.
    await step('sign in with Multipass (customerAccessTokenCreateWithMultipass)', async () => {
      const multipass = new Multipassify(multipassSecret);
      const ssoEmail = `journey-${client}-sso@example.com`;
      const multipassToken = multipass.encode({
        email: ssoEmail,
        identifier: `crm-${client}`,
        first_name: 'Grace',
        last_name: 'Hopper',
        tag_string: 'vip, journey',
        return_to: 'https://shop.example.com/account',
        addresses: [
          {
            address1: '1 Harvard Yard',
            city: 'Cambridge',
            province_code: 'MA',
            country_code: 'US',
            zip: '02138',
            default: true,
          },
        ],
      });
      const signedIn = await run(MULTIPASS_MUTATION, { multipassToken }, 'customerAccessTokenCreateWithMultipass');
      noUserErrors(signedIn.customerAccessTokenCreateWithMultipass, 'customerAccessTokenCreateWithMultipass');
      const ssoToken = assertToken(
        signedIn.customerAccessTokenCreateWithMultipass.customerAccessToken,
        'customerAccessTokenCreateWithMultipass',
      );
      const customer = await readCustomer(ssoToken);
      assert.ok(customer, 'the Multipass token reads the customer');
      assert.match(customer.id, CUSTOMER_ID);
      assert.notEqual(customer.id, customerId, 'a new customer');
      assert.equal(customer.email, ssoEmail);
      assert.equal(customer.displayName, 'Grace Hopper');
      assert.deepEqual([...customer.tags], ['vip', 'journey']);
      assert.equal(customer.defaultAddress?.address1, '1 Harvard Yard');
      assert.equal(customer.defaultAddress.formattedArea, 'Cambridge MA, United States');
      assert.equal(listed(customer).length, 1);

      // A token is accepted once.
      const replay = await run(MULTIPASS_MUTATION, { multipassToken }, 'customerAccessTokenCreateWithMultipass');
      assert.equal(replay.customerAccessTokenCreateWithMultipass.customerAccessToken, null);
      assert.deepEqual(withoutTypename(replay.customerAccessTokenCreateWithMultipass.customerUserErrors), [
        { code: 'INVALID_MULTIPASS_REQUEST', field: ['multipassToken'], message: 'Invalid Multipass request' },
      ]);

      // The journey's own customer signs in by Multipass too: the same account.
      const own = await run(
        MULTIPASS_MUTATION,
        { multipassToken: multipass.encode({ email }) },
        'customerAccessTokenCreateWithMultipass',
      );
      noUserErrors(own.customerAccessTokenCreateWithMultipass, 'Multipass for an existing customer');
      const ownToken = assertToken(own.customerAccessTokenCreateWithMultipass.customerAccessToken, 'Multipass');
      const existing = await readCustomer(ownToken);
      assert.equal(existing?.id, customerId, 'Multipass finds the existing customer by email');
      assert.equal(existing.firstName, 'Augusta Ada', 'and keeps the names it does not send');
    });
  } catch (error) {
    if (error instanceof Error) error.step = current;
    throw error;
  }
  return steps;
}
