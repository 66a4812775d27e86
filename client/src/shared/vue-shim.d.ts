// Lets plain `tsc -p client/tsconfig.json` (package.json's typecheck script) resolve `.vue`
// imports; vue-tsc, which scripts/test.sh runs, reads the components themselves and checks them.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
