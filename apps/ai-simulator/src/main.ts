import * as path from 'node:path';
import { startModelSimulator } from '@kommuna/ai';
import { sampleTranscripts } from './sample-transcripts';

/**
 * The AI model simulator of `npm start`: an OpenAI-compatible stand-in for a model host (chat and
 * transcription) on 127.0.0.1, AI_SIMULATOR_PORT (3006; 0 picks a free port). The sample
 * recordings in src/samples/ are transcribed with their own text (docs/ai.md, the walk).
 */
async function main(): Promise<void> {
  const port = process.env.AI_SIMULATOR_PORT ?? '3006';
  if (!/^\d+$/.test(port) || Number(port) > 65535)
    throw new Error(`AI_SIMULATOR_PORT must be a port number (0-65535; 0 picks a free one), not "${port}"`);
  const { transcripts, samples } = await sampleTranscripts(path.resolve(__dirname, 'samples'));
  const simulator = await startModelSimulator({ port: Number(port), transcripts });
  const stop = () => void simulator.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // After the handlers: whoever reads the ready line may signal at once.
  process.stdout.write(`ai-simulator ready on ${simulator.url} (samples: ${samples.join(', ') || 'none'})\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`ai-simulator failed to start: ${error.message}\n`);
  process.exit(1);
});
