import { SMTPServer } from 'smtp-server';
import { PermanentAdapterError, SmtpEmailNotifier } from './index';

// A real SMTP server (the smtp-server package) on a free port: nodemailer speaks real SMTP to it.
describe('SmtpEmailNotifier', () => {
  const received: Array<{ from: string; to: string[]; raw: string }> = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith('@refused.example'))
          return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? (session.envelope.mailFrom as { address: string }).address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString(),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers a notice over SMTP', async () => {
    const notifier = new SmtpEmailNotifier({ host: '127.0.0.1', port, from: 'digitalpost@sundsvall.se' });
    const { messageId } = await notifier.send({
      to: 'handlaggare@sundsvall.se',
      subject: 'Utskick klart',
      text: 'Alla 40 brev är skickade.',
    });
    notifier.close();
    expect(messageId).toMatch(/^<.+>$/);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'digitalpost@sundsvall.se', to: ['handlaggare@sundsvall.se'] });
    expect(received[0].raw).toContain('Subject: Utskick klart');
    expect(received[0].raw).toContain('Alla 40 brev');
  });

  it('reports a 5xx refusal as permanent', async () => {
    const notifier = new SmtpEmailNotifier({ host: '127.0.0.1', port, from: 'digitalpost@sundsvall.se' });
    await expect(notifier.send({ to: 'nobody@refused.example', subject: 's', text: 't' })).rejects.toBeInstanceOf(PermanentAdapterError);
    notifier.close();
  });
});
