/** `npm start`: start the hub on embedded defaults (or HUB_* env / HUB_CONFIG_FILE) and print every screen's URL. */
import { ConfigError, startHub } from './index.ts';

try {
  const hub = await startHub();
  const lines = [
    '',
    `  Hub KTP-el — ${hub.config.officeName} (${hub.config.mode})`,
    '',
    `  Kiosk (queue ticket)    ${hub.screens.kiosk}`,
    `  Kiosk (card collection) ${hub.screens.collection}`,
    `  Operator                ${hub.screens.operator}`,
    `  Supervisor              ${hub.screens.supervisor}`,
    `  Queue display           ${hub.screens.display}`,
    `  Health                  ${hub.url}/api/health`,
  ];
  if (hub.demo) {
    lines.push(`  Simulator panel         ${hub.screens.sim}`);
    lines.push('', `  Operator sign-in        ${hub.demo.operator.username} / PIN ${hub.demo.operator.pin}`,
      `  Supervisor sign-in      ${hub.demo.supervisor.username} / PIN ${hub.demo.supervisor.pin}`,
      `  (demo credentials are kept in ${hub.config.dataDir}/demo-credentials.json)`);
  }
  console.log(lines.join('\n') + '\n');
  const stop = async (signal: string) => {
    console.log(`\n  ${signal}: stopping the hub…`);
    await hub.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
