// Home Assistant MQTT discovery (opt-in, JSON profile only): retained config
// messages under `<prefix>/<component>/<node>/<object>/config` that point HA at
// the JSON `state` topic with a value template, and at the `availability`
// topic the MQTT Will sets to `offline`, so a dead node shows unavailable.
// One HA device per edge-ha node; unique ids carry the cluster, so two
// clusters on one broker never merge entities.

import type { OutboundMessage } from './outbound';
import { hwTopic, jsonTopic } from './json/topics';

export interface DiscoveryInput {
  prefix: string;
  cluster: string;
  node: string;
  peerId: string;
  paths: string[];
  /** Hardware devices that publish on `hw/<device>` (UPS, RAID). */
  hw: Array<{ id: string; kind: HwKind }>;
  version: string;
}

type Component = 'sensor' | 'binary_sensor';

interface Entity {
  component: Component;
  object: string;
  config: Record<string, unknown>;
}

/** HA's node_id and object_id allow only [a-zA-Z0-9_-]. */
export function haId(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function discoveryMessages(d: DiscoveryInput): OutboundMessage[] {
  const base = `edge-ha_${haId(d.cluster)}_${haId(d.node)}`;
  const device = { identifiers: [base], name: `edge-ha ${d.node} (${d.cluster})`, manufacturer: 'edge-ha', model: 'HA pair node', sw_version: d.version };
  const availability = { availability_topic: jsonTopic(d.cluster, d.node, 'availability'), availability_template: '{{ value_json.state }}', payload_available: 'online', payload_not_available: 'offline' };
  const state = jsonTopic(d.cluster, d.node, 'state');
  const entities: Entity[] = [
    sensor('role', 'Role', state, '{{ value_json.role }}', { icon: 'mdi:server-network' }),
    sensor('mode', 'Mode', state, '{{ value_json.mode }}'),
    sensor('health', 'Health', state, '{{ value_json.health }}'),
    sensor('resource', 'Resource', state, '{{ value_json.resource.state }}'),
    sensor('epoch', 'Epoch', state, '{{ value_json.epoch }}', { state_class: 'measurement' }),
    sensor('peer', `Peer ${d.peerId}`, state, '{{ value_json.peer.state }}'),
    sensor('peer_role', `Peer ${d.peerId} role`, state, '{{ value_json.peer.role }}'),
    sensor('fence', 'Fencing', state, '{{ value_json.fence.state }}'),
    sensor('alarms', 'Alarms', state, '{{ value_json.alarms | length }}', {
      json_attributes_topic: state,
      json_attributes_template: '{{ {"active": value_json.alarms | map(attribute="message") | list} | tojson }}',
      icon: 'mdi:alarm-light',
    }),
    ...d.paths.map((p) => ({
      component: 'binary_sensor' as const,
      object: `path_${haId(p)}`,
      config: {
        name: `Heartbeat path ${p}`,
        state_topic: state,
        device_class: 'connectivity',
        value_template: `{% set m = value_json.paths | selectattr("name", "eq", ${JSON.stringify(p)}) | list %}{{ "ON" if m and m[0].up else "OFF" }}`,
      },
    })),
    ...d.hw.flatMap((h) => hwEntities(d, h)),
  ];
  return entities.map((e) => {
    const config = { ...e.config, unique_id: `${base}_${e.object}`, object_id: `${base}_${e.object}`, device, ...availability };
    return { topic: `${d.prefix}/${e.component}/${base}/${e.object}/config`, payload: Buffer.from(JSON.stringify(config)), qos: 1, retain: true };
  });
}

function sensor(object: string, name: string, stateTopic: string, template: string, extra: Record<string, unknown> = {}): Entity {
  return { component: 'sensor', object, config: { name, state_topic: stateTopic, value_template: template, ...extra } };
}

/** Kinds of hardware reading a node publishes (`hw/<device>` topics). */
export type HwKind = 'ups' | 'raid' | 'nic';

function hwEntities(d: DiscoveryInput, h: { id: string; kind: HwKind }): Entity[] {
  const topic = hwTopic(d.cluster, d.node, h.id);
  const o = haId(h.id);
  if (h.kind === 'nic') {
    return [{ component: 'binary_sensor', object: `nic_${o}`, config: { name: `Link ${h.id}`, state_topic: topic, device_class: 'connectivity', value_template: '{{ "ON" if value_json.reading.carrier else "OFF" }}' } }];
  }
  if (h.kind === 'raid') {
    return [sensor(`raid_${o}`, `RAID ${h.id}`, topic, '{{ value_json.reading.state }}', { icon: 'mdi:harddisk' })];
  }
  return [
    sensor(`ups_${o}_status`, `UPS ${h.id} status`, topic, '{{ value_json.reading.status }}', { icon: 'mdi:battery-charging' }),
    sensor(`ups_${o}_charge`, `UPS ${h.id} battery charge`, topic, '{{ value_json.reading.batteryChargePct }}', { unit_of_measurement: '%', device_class: 'battery', state_class: 'measurement' }),
    sensor(`ups_${o}_runtime`, `UPS ${h.id} runtime`, topic, '{{ value_json.reading.runtimeS }}', { unit_of_measurement: 's', device_class: 'duration', state_class: 'measurement' }),
    {
      component: 'binary_sensor',
      object: `ups_${o}_critical`,
      config: { name: `UPS ${h.id} power critical`, state_topic: topic, device_class: 'problem', value_template: '{{ "ON" if value_json.reading.critical else "OFF" }}' },
    },
  ];
}
