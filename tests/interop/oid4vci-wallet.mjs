#!/usr/bin/env node
// A third-party wallet redeeming a credential offer: the OpenWallet
// Foundation's @openid4vc client libraries do the OID4VCI 1.0
// pre-authorized code flow, and @sd-jwt/sd-jwt-vc verifies what comes back
// the way a verifier would, with the issuer key from its jwt-vc-issuer
// metadata. Driven by crates/station-sandbox/tests/oid4vci_interop.rs.
//
// Usage: node oid4vci-wallet.mjs <offer-uri> [<pin>] [--notify] [--deferred-timeout=<seconds>]
//   <pin>     the tx_code; omit or pass "" when the offer has none; "-"
//             reads it from stdin once the offer is resolved, as a holder
//             reads it off the desk's screen after scanning
//   --notify  after storing, tell the issuer `credential_accepted`
//
// stdout: one JSON line, {"ok":true,"vct":…,"claims":{…},…} or
// {"ok":false,"error":…,"error_description":…}. stderr: progress as JSON
// lines, e.g. {"event":"deferred","transaction_id":…} while waiting.
// Exit codes: 0 issued and verified, 3 token refused, 4 credential refused,
// 5 verification failed, 1 anything else.

import { createHash, randomBytes, webcrypto } from 'node:crypto'
import { clientAuthenticationAnonymous, Oauth2ClientErrorResponseError } from '@openid4vc/oauth2'
import { Openid4vciClient, Openid4vciRetrieveCredentialsError, Openid4vciVersion } from '@openid4vc/openid4vci'
import { setGlobalConfig } from '@openid4vc/utils'
import { digest, ES256 } from '@sd-jwt/crypto-nodejs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'

// The sandbox serves plain http on loopback.
setGlobalConfig({ allowInsecureUrls: true })

const subtle = webcrypto.subtle
const b64url = (bytes) => Buffer.from(bytes).toString('base64url')
const b64urlJson = (value) => b64url(Buffer.from(JSON.stringify(value)))
const decodeJwtPart = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))

class Failure extends Error {
  constructor(exitCode, body) {
    super(body.error_description ?? body.error)
    this.exitCode = exitCode
    this.body = body
  }
}

function parseArgs(argv) {
  const options = { notify: false, deferredTimeout: 30 }
  const positional = []
  for (const arg of argv) {
    if (arg === '--notify') options.notify = true
    else if (arg.startsWith('--deferred-timeout=')) options.deferredTimeout = Number(arg.split('=')[1])
    else positional.push(arg)
  }
  if (positional.length < 1 || positional.length > 2) {
    throw new Failure(1, { error: 'usage', error_description: 'oid4vci-wallet.mjs <offer-uri> [<pin>] [--notify]' })
  }
  return { offerUri: positional[0], pin: positional[1] || undefined, ...options }
}

async function firstLineOfStdin() {
  let text = ''
  for await (const chunk of process.stdin) {
    text += chunk
    if (text.includes('\n')) break
  }
  return text.split('\n')[0].trim()
}

function progress(event) {
  process.stderr.write(`${JSON.stringify(event)}\n`)
}

/** A P-256 holder key made for this run, with a JWS signer over it. */
async function holderKey() {
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
  const { kty, crv, x, y } = await subtle.exportKey('jwk', pair.publicKey)
  return { privateKey: pair.privateKey, publicJwk: { kty, crv, x, y } }
}

function callbacksFor(holder) {
  return {
    fetch,
    hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
    generateRandom: (length) => randomBytes(length),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (signer, { header, payload }) => {
      if (signer.method !== 'jwk' || signer.alg !== 'ES256') throw new Error(`cannot sign for ${signer.method}/${signer.alg}`)
      const input = `${b64urlJson(header)}.${b64urlJson(payload)}`
      // WebCrypto's ECDSA signature is already JWS's r || s.
      const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, holder.privateKey, Buffer.from(input))
      return { jwt: `${input}.${b64url(new Uint8Array(signature))}`, signerJwk: holder.publicJwk }
    },
  }
}

async function fetchJson(url) {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`)
  return response.json()
}

/** The issuer's keys from SD-JWT VC issuer metadata, at the well-known URL for `iss`. */
async function issuerKeys(iss) {
  const url = new URL(iss)
  const path = url.pathname === '/' ? '' : url.pathname
  const metadata = await fetchJson(`${url.origin}/.well-known/jwt-vc-issuer${path}`)
  if (metadata.issuer !== iss) throw new Error(`jwt-vc-issuer metadata is for ${metadata.issuer}, not ${iss}`)
  return metadata.jwks?.keys ?? []
}

async function verifyCredential(credential, { expectedVct, holderJwk }) {
  const [jwt] = credential.split('~')
  const [encodedHeader, encodedPayload] = jwt.split('.')
  const header = decodeJwtPart(encodedHeader)
  const unverified = decodeJwtPart(encodedPayload)
  if (header.typ !== 'dc+sd-jwt') throw new Error(`credential typ is ${header.typ}`)
  if (header.alg !== 'ES256') throw new Error(`credential alg is ${header.alg}`)
  const key = (await issuerKeys(unverified.iss)).find((k) => k.kid === header.kid)
  if (!key) throw new Error(`no issuer key with kid ${header.kid}`)
  const { kty, crv, x, y } = key
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier: await ES256.getVerifier({ kty, crv, x, y }),
  })
  // Checks the signature, iat/exp, that every disclosure hashes into _sd.
  const { payload } = await sdjwt.verify(credential)
  if (payload.vct !== expectedVct) throw new Error(`vct ${payload.vct}, expected ${expectedVct}`)
  const bound = payload.cnf?.jwk
  if (!bound || bound.x !== holderJwk.x || bound.y !== holderJwk.y) throw new Error('cnf.jwk is not the holder key')
  const { iss, iat, exp, vct, cnf, _sd_alg, ...claims } = payload
  // Selectively disclosable: the signed payload holds digests, not claims.
  const inPlainSight = Object.keys(claims).filter((name) => name in unverified)
  if (inPlainSight.length > 0) throw new Error(`claims not selectively disclosable: ${inPlainSight.join(', ')}`)
  return { iss, vct, kid: header.kid, claims }
}

async function waitForDeferred(client, { issuerMetadata, accessToken, transactionId, interval }, timeoutSeconds) {
  progress({ event: 'deferred', transaction_id: transactionId })
  const deadline = Date.now() + timeoutSeconds * 1000
  let wait = interval ?? 5
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, wait * 1000))
    const { deferredCredentialResponse } = await client.retrieveDeferredCredentials({
      issuerMetadata,
      accessToken,
      transactionId,
    })
    if (deferredCredentialResponse.credentials) return deferredCredentialResponse
    wait = deferredCredentialResponse.interval ?? wait
    progress({ event: 'still_deferred', transaction_id: transactionId })
  }
  throw new Failure(4, { error: 'deferred_timeout', error_description: `no credential within ${timeoutSeconds} s` })
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const holder = await holderKey()
  const client = new Openid4vciClient({ callbacks: callbacksFor(holder) })

  const credentialOffer = await client.resolveCredentialOffer(args.offerUri)
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer)
  if (issuerMetadata.originalDraftVersion !== Openid4vciVersion.V1) {
    throw new Failure(1, { error: 'not_v1', error_description: `issuer identified as ${issuerMetadata.originalDraftVersion}` })
  }
  if (args.pin === '-') {
    progress({ event: 'offer_resolved' })
    args.pin = await firstLineOfStdin()
  }

  let accessTokenResponse
  try {
    ;({ accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer,
      issuerMetadata,
      txCode: args.pin,
    }))
  } catch (error) {
    if (error instanceof Oauth2ClientErrorResponseError) {
      throw new Failure(3, { ...error.errorResponse, status: error.response.status })
    }
    throw error
  }
  const accessToken = accessTokenResponse.access_token

  const configurationId = credentialOffer.credential_configuration_ids[0]
  const configuration = issuerMetadata.credentialIssuer.credential_configurations_supported[configurationId]
  const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata })
  const { jwt } = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId: configurationId,
    signer: { method: 'jwk', alg: 'ES256', publicJwk: holder.publicJwk },
    nonce,
  })

  let response
  try {
    ;({ credentialResponse: response } = await client.retrieveCredentials({
      issuerMetadata,
      accessToken,
      credentialConfigurationId: configurationId,
      proofs: { jwt: [jwt] },
    }))
    const deferred = !response.credentials && !response.credential
    if (deferred) {
      response = await waitForDeferred(
        client,
        { issuerMetadata, accessToken, transactionId: response.transaction_id, interval: response.interval },
        args.deferredTimeout
      )
    }
    response.deferred = deferred
  } catch (error) {
    if (error instanceof Openid4vciRetrieveCredentialsError) {
      const body = error.response.credentialErrorResponseResult?.data ??
        error.response.deferredCredentialErrorResponseResult?.data ?? { error: 'credential_request_failed' }
      throw new Failure(4, { ...body, status: error.response.response?.status })
    }
    throw error
  }

  const first = response.credentials?.[0] ?? response.credential
  const credential = typeof first === 'string' ? first : first?.credential
  if (typeof credential !== 'string') throw new Failure(4, { error: 'no_credential', error_description: JSON.stringify(response) })

  let verified
  try {
    verified = await verifyCredential(credential, { expectedVct: configuration.vct, holderJwk: holder.publicJwk })
  } catch (error) {
    throw new Failure(5, { error: 'verification_failed', error_description: String(error?.message ?? error) })
  }

  let notified
  if (args.notify && response.notification_id) {
    await client.sendNotification({
      issuerMetadata,
      accessToken,
      notification: { notificationId: response.notification_id, event: 'credential_accepted' },
    })
    notified = 'credential_accepted'
  }

  return {
    ok: true,
    vct: verified.vct,
    issuer: verified.iss,
    kid: verified.kid,
    claims: verified.claims,
    credential_configuration_id: configurationId,
    spec_version: issuerMetadata.originalDraftVersion,
    deferred: response.deferred,
    notified,
  }
}

try {
  const result = await main()
  process.stdout.write(`${JSON.stringify(result)}\n`)
} catch (error) {
  if (error instanceof Failure) {
    process.stdout.write(`${JSON.stringify({ ok: false, ...error.body })}\n`)
    process.exit(error.exitCode)
  }
  process.stdout.write(`${JSON.stringify({ ok: false, error: 'wallet_error', error_description: String(error?.stack ?? error) })}\n`)
  process.exit(1)
}
