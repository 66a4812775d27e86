/**
 * The public application page (/apply): a worker or an employer applies for mediation from a
 * phone, without an account (ApplyApp.vue), in the catalogue's `apply` section.
 */
import { createApp } from 'vue';
import { lang } from '../shared/i18n.js';
import '../shared/styles.css';
import './apply.css';
import ApplyApp from './ApplyApp.vue';
import { i18n } from './i18n.js';

document.documentElement.lang = lang();
createApp(ApplyApp).use(i18n).mount('#app');
