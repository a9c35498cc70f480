/** What every route handler needs: the current org (swapped on reset), the control plane's ledger, the notifications. */
import type { ControlPlane } from '../../common/control-plane.ts';
import { invalidModule } from '../errors.ts';
import type { ChangeNotifier } from '../notifications.ts';
import { isRecordModule } from '../schema.ts';
import type { ModuleName } from '../schema.ts';
import type { Org } from '../store.ts';

export interface ZohoContext {
  org(): Org;
  control: ControlPlane;
  /** Where API writes report what they changed (the Notifications API). */
  notifier?: ChangeNotifier;
}

/** A module named in a path or `?module=`: one of the three that hold records, else 400 INVALID_MODULE. */
export function moduleOf(name: unknown): ModuleName {
  if (typeof name !== 'string' || !isRecordModule(name)) throw invalidModule();
  return name;
}
