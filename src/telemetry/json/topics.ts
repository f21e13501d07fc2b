// JSON profile topics: edge-ha/<cluster>/<node>/<state|events|metrics|availability>.
// The cluster id is in every topic, so several clusters share a broker without crosstalk.

import { JSON_TOPIC_NAMES, type JsonTopicName } from './types';

export const JSON_ROOT = 'edge-ha';

/** QoS and retain per topic: state and availability are retained so a new subscriber sees the node at once. */
export const JSON_TOPIC_OPTIONS: Record<JsonTopicName, { qos: 0 | 1; retain: boolean }> = {
  state: { qos: 1, retain: true },
  events: { qos: 1, retain: false },
  metrics: { qos: 0, retain: false },
  availability: { qos: 1, retain: true },
  command: { qos: 1, retain: false },
  'command-result': { qos: 1, retain: false },
};

/** `edge-ha/<cluster>/<node>/hw/<device>` (retained, QoS 1). */
export function hwTopic(cluster: string, node: string, device: string): string {
  return `${JSON_ROOT}/${cluster}/${node}/hw/${device}`;
}

/** Why `id` cannot be a topic level, or null. */
export function checkTopicLevel(id: string): string | null {
  if (id.length === 0) return 'a topic level must not be empty';
  if (/[/+#\u0000]/.test(id)) return `"${id}" contains one of / + # or NUL, which MQTT reserves`;
  return null;
}

export function jsonTopic(cluster: string, node: string, name: JsonTopicName): string {
  return `${JSON_ROOT}/${cluster}/${node}/${name}`;
}

export function parseJsonTopic(topic: string): { ok: true; value: { cluster: string; node: string; name: JsonTopicName } } | { ok: false; error: string } {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== JSON_ROOT) return { ok: false, error: `topic "${topic}" is not ${JSON_ROOT}/<cluster>/<node>/<topic>` };
  const [, cluster, node, name] = parts as [string, string, string, string];
  const bad = checkTopicLevel(cluster) ?? checkTopicLevel(node);
  if (bad) return { ok: false, error: `topic "${topic}": ${bad}` };
  if (!(JSON_TOPIC_NAMES as readonly string[]).includes(name)) return { ok: false, error: `topic "${topic}": unknown topic "${name}" (expected ${JSON_TOPIC_NAMES.join(', ')})` };
  return { ok: true, value: { cluster, node, name: name as JsonTopicName } };
}
