import { render } from 'preact';
import { SimApp } from './App.tsx';
import '../shared/base.css';
import '../shared/staff.css';
import './sim.css';

const root = document.getElementById('app');
if (root) render(<SimApp />, root);
