import { QdClock, QdCounterTile } from './components.ts';
import { QdApp } from './display-app.ts';
import { adoptDisplayToken } from './token.ts';

customElements.define('qd-clock', QdClock);
customElements.define('qd-counter-tile', QdCounterTile);
customElements.define('qd-app', QdApp);

const app = document.createElement('qd-app') as QdApp;
app.token = adoptDisplayToken() ?? '';
// ?autoplay=1: the display PC's Chromium runs with --autoplay-policy=no-user-gesture-required (and tests)
app.autoplay = new URLSearchParams(location.search).get('autoplay') === '1';
document.body.append(app);
