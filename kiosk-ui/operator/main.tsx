import { render } from 'preact';
import { OperatorApp } from './App.tsx';
import '../shared/base.css';
import '../shared/staff.css';
import './operator.css';

const root = document.getElementById('app');
if (root) render(<OperatorApp />, root);
