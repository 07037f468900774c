import { HttpPartyOptions, postJson } from './http-json';
import { PermanentAdapterError, PopulationRegister, PostalAddress } from './types';

interface AddressAnswer {
  id: string;
  name?: string;
  address?: { careOf?: string | null; street: string; postalCode: string; city: string } | null;
}

/** The population register's address lookup over HTTP (the simulator in development). */
export class HttpPopulationRegister implements PopulationRegister {
  constructor(private readonly options: HttpPartyOptions) {}

  async lookupAddresses(ids: string[]): Promise<Map<string, PostalAddress | null>> {
    const answers = await postJson<AddressAnswer[]>(this.options, '/population/addresses', { ids }, 'Population register');
    if (!Array.isArray(answers)) throw new PermanentAdapterError('Population register answered without a result list');
    const result = new Map<string, PostalAddress | null>();
    for (const answer of answers) {
      const a = answer.address;
      result.set(
        String(answer.id),
        a && answer.name ? { name: answer.name, careOf: a.careOf ?? null, street: a.street, postalCode: a.postalCode, city: a.city } : null,
      );
    }
    return result;
  }
}
