import { render } from 'preact';
import districtCodes from 'ktp:district-codes';
import { adoptDeviceToken, readStored, writeStored } from '../shared/token.ts';
import { parseIdleSeconds } from '../kiosk/idle.ts';
import { regionLookup } from '../kiosk/nik.ts';
import { CollectionApp } from './App.tsx';
import '../shared/base.css';
import '../kiosk/kiosk.css';
import './collection.css';

const IDLE_KEY = 'ktp.collection.idleSeconds';

const token = adoptDeviceToken();
const idleParam = new URLSearchParams(location.search).get('idle');
if (idleParam !== null) writeStored(IDLE_KEY, idleParam);
const idleSeconds = parseIdleSeconds(idleParam ?? readStored(IDLE_KEY) ?? '90');

const root = document.getElementById('app');
if (root) render(<CollectionApp token={token} idleSeconds={idleSeconds} regionKnown={regionLookup(districtCodes)} />, root);
