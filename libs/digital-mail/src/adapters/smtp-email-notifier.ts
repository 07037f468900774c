import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { EmailMessage, EmailNotifier, PermanentAdapterError, TransientAdapterError } from './types';

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the start (465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  from: string;
  /** Only for local test servers with self-signed certificates. */
  allowSelfSigned?: boolean;
}

/** E-mail notices over SMTP (nodemailer). */
export class SmtpEmailNotifier implements EmailNotifier {
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpOptions) {
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure ?? false,
      auth: options.auth,
      tls: options.allowSelfSigned ? { rejectUnauthorized: false } : undefined,
    });
  }

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    try {
      const info = await this.transport.sendMail({ from: this.options.from, to: message.to, subject: message.subject, text: message.text });
      return { messageId: info.messageId };
    } catch (error) {
      const responseCode = (error as { responseCode?: number }).responseCode;
      // 5xx SMTP replies are permanent; connection problems and 4xx are worth retrying.
      if (responseCode && responseCode >= 500) throw new PermanentAdapterError(`SMTP refused the message (${responseCode})`);
      throw new TransientAdapterError(`SMTP failed: ${(error as Error).message}`);
    }
  }

  close(): void {
    this.transport.close();
  }
}
