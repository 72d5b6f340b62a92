import { render } from 'preact';
import districtCodes from 'ktp:district-codes';
import { adoptDeviceToken, readStored, writeStored } from '../shared/token.ts';
import { KioskApp } from './App.tsx';
import { parseIdleSeconds } from './idle.ts';
import { regionLookup } from './nik.ts';
import '../shared/base.css';
import './kiosk.css';

const IDLE_KEY = 'ktp.kiosk.idleSeconds';

const token = adoptDeviceToken();
const params = new URLSearchParams(location.search);
const idleParam = params.get('idle');
if (idleParam !== null) writeStored(IDLE_KEY, idleParam);
const idleSeconds = parseIdleSeconds(idleParam ?? readStored(IDLE_KEY));

const root = document.getElementById('app');
if (root) render(<KioskApp token={token} idleSeconds={idleSeconds} regionKnown={regionLookup(districtCodes)} />, root);
