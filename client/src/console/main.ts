/**
 * The staff console (/console): the Vue app (App.vue) with the console's message catalogue.
 * Sign in, the cases within reach with their open deadlines (and, for clerks, the
 * organisation's statistics and its institutions), and a case's file.
 */
import { createApp } from 'vue';
import { lang } from '../shared/i18n.js';
import '../shared/styles.css';
import './console.css';
import App from './App.vue';
import { i18n } from './i18n.js';

document.documentElement.lang = lang();
createApp(App).use(i18n).mount('#app');
