// Follows the pair at the broker, as a Sparkplug host would: each node's
// NBIRTH and NDEATH (the MQTT Will the broker publishes when a node dies)
// become pair events, so killing a node in the live view shows its death
// certificate arriving from the broker.

import * as mqtt from 'mqtt';
import { decodePayload, parseSparkplugTopic } from '../telemetry/sparkplug';
import { parseJsonTopic } from '../telemetry/json/topics';

export interface BrokerSighting {
  node: string;
  kind: 'NBIRTH' | 'NDEATH' | 'online' | 'offline';
  detail: string;
}

export interface BrokerWatch {
  close(): Promise<void>;
}

export function watchBroker(url: string, cluster: string, report: (s: BrokerSighting) => void): BrokerWatch {
  const client = mqtt.connect(url, { clientId: `edge-ha-pair-watch-${process.pid}`, reconnectPeriod: 1000, protocolVersion: 4 });
  client.on('connect', () => client.subscribe([`spBv1.0/${cluster}/NBIRTH/+`, `spBv1.0/${cluster}/NDEATH/+`, `edge-ha/${cluster}/+/availability`], { qos: 1 }));
  client.on('error', () => undefined); // reconnects; the daemons report broker trouble themselves
  client.on('message', (topic, payload) => {
    const s = sighting(topic, payload);
    if (s) report(s);
  });
  return { close: () => client.endAsync(true) };
}

export function sighting(topic: string, payload: Buffer): BrokerSighting | null {
  const sp = parseSparkplugTopic(topic);
  if (sp.ok && (sp.value.type === 'NBIRTH' || sp.value.type === 'NDEATH')) {
    const p = decodePayload(payload);
    const bd = p.ok ? p.value.metrics.find((m) => m.name === 'bdSeq')?.value : undefined;
    const metrics = p.ok ? p.value.metrics.length : 0;
    const detail = sp.value.type === 'NBIRTH' ? `NBIRTH at the broker (bdSeq ${String(bd)}, ${metrics} metrics)` : `NDEATH at the broker (bdSeq ${String(bd)}): the broker saw the node go`;
    return { node: sp.value.edgeNodeId, kind: sp.value.type, detail };
  }
  const j = parseJsonTopic(topic);
  if (j.ok && j.value.name === 'availability') {
    const state = payload.toString().includes('"online"') ? 'online' : 'offline';
    return { node: j.value.node, kind: state, detail: `${state} at the broker` };
  }
  return null;
}
