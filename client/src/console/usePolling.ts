/**
 * Reading a section's data again while something is under way (a delivery pending…): `load()`
 * reads at once (on mount, after an action) and, while `apply` or `fail` asks for it, again every
 * `ms`. A newer read supersedes an older one still in flight (its answer is dropped and it starts
 * no second loop), and nothing is read or applied once the component has left the page.
 */
import { onBeforeUnmount, onMounted } from 'vue';

export function usePolling<T>(options: {
  ms: number;
  fetch: () => Promise<T>;
  /** Shows the answer; true: read again in `ms`. */
  apply: (value: T) => boolean;
  /** Shows the failure; true: try again in `ms`. */
  fail: (error: Error) => boolean;
}): { load: () => Promise<void> } {
  let active = true;
  let round = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<void> {
    clearTimeout(timer);
    const mine = ++round;
    let again: boolean;
    try {
      const value = await options.fetch();
      if (!active || mine !== round) return;
      again = options.apply(value);
    } catch (error) {
      if (!active || mine !== round) return;
      again = options.fail(error as Error);
    }
    if (again) timer = setTimeout(() => void load(), options.ms);
  }

  onMounted(() => void load());
  onBeforeUnmount(() => {
    active = false;
    clearTimeout(timer);
  });
  return { load };
}
