// A minimal valid configuration for the config tests, and a way to derive
// variants of it without fragile text replacement.

import { parse, stringify } from 'yaml';

export const MINIMAL_YAML = `
cluster:
  id: c1
node:
  id: a
peer:
  id: b
heartbeat:
  keyFile: keys
  paths:
    - name: crossover
      bind: 192.168.77.1:5405
      peer: 192.168.77.2:5405
    - name: lan
      bind: 10.20.0.11:5405
      peer: 10.20.0.12:5405
fencing:
  devices:
    - name: ipmi
      type: command
      command: fence_ipmilan
resource:
  name: svc
  type: command
  command: /usr/bin/svc-wrapper
stateDir: /var/lib/edge-ha
controlSocket: /run/edge-ha/control.sock
`;

/** The minimal configuration as data, changed by `edit`, written back as YAML. */
export function variant(edit: (data: Record<string, any>) => void): string {
  const data = parse(MINIMAL_YAML) as Record<string, any>;
  edit(data);
  return stringify(data);
}
