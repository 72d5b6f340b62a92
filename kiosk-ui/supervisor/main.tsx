import { render } from 'preact';
import { SupervisorApp } from './App.tsx';
import '../shared/base.css';
import '../shared/staff.css';

const root = document.getElementById('app');
if (root) render(<SupervisorApp />, root);
