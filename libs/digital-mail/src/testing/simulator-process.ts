import { startNodeProcess } from '@kommuna/platform-testing';

/** apps/digital-mail-simulator as its own process (libraries never import apps), controlled over HTTP. */
export interface SimulatorProcess {
  url: string;
  configure(change: Record<string, unknown>): Promise<void>;
  reset(): Promise<void>;
  records(): Promise<{
    reachabilityCalls: Array<{ senderOrgNr: string; recipientCount: number }>;
    deliveries: Array<{ messageId: string; transactionId: string; recipient: string; subject: string; attachmentCount: number }>;
    deliveryCounts: Record<string, { accepted: number; requests: number }>;
    addressLookups: Array<{ idCount: number }>;
    faultsInjected: number;
  }>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(): Promise<SimulatorProcess> {
  const simulator = await startNodeProcess({
    script: 'apps/digital-mail-simulator/src/main.ts',
    args: ['--port=0'],
    readyText: /ready on (http:\/\/\S+)/,
  });
  const [, url] = await simulator.ready;
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`simulator ${route}: ${response.status}`);
  };
  return {
    url,
    configure: (change) => post('/_control', change),
    reset: () => post('/_reset', {}),
    records: async () => (await (await fetch(`${url}/_records`)).json()) as Awaited<ReturnType<SimulatorProcess['records']>>,
    async stop() {
      await simulator.stop();
    },
  };
}
