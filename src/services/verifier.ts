import type { Db } from '../db/knex'
import { identityRegistryHas } from '../modules/registries/repository'

export interface IdentityClaim {
  docType: string
  docNumber: string
  name: string
}

// Real-name verification is an edge: by default the bureau's imported identity registry answers;
// a bureau with access to a provider sets IDENTITY_PROVIDER_URL instead.
export interface Verifier {
  verify(claim: IdentityClaim): Promise<{ ok: boolean }>
}

export function registryVerifier(db: Db): Verifier {
  return {
    async verify(claim) {
      return { ok: await identityRegistryHas(db, claim) }
    },
  }
}

// Provider contract: POST JSON {docType, docNumber, name}; answers {match: boolean}.
export function httpVerifier(url: string, token?: string): Verifier {
  return {
    async verify(claim) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(claim),
        signal: AbortSignal.timeout(15_000),
      })
      if (!res.ok) throw new Error(`identity provider answered ${res.status}`)
      const body = (await res.json()) as { match?: unknown }
      return { ok: body.match === true }
    },
  }
}
