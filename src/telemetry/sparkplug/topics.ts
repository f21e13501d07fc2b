// Sparkplug B topic namespace: spBv1.0/<group>/<message type>/<edge node>[/<device>].

export const SPARKPLUG_NAMESPACE = 'spBv1.0';

export type NodeMessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type DeviceMessageType = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';
export type MessageType = NodeMessageType | DeviceMessageType;
const NODE_TYPES: ReadonlySet<string> = new Set(['NBIRTH', 'NDEATH', 'NDATA', 'NCMD']);
const DEVICE_TYPES: ReadonlySet<string> = new Set(['DBIRTH', 'DDEATH', 'DDATA', 'DCMD']);

/** Why `id` cannot be a Sparkplug id (group, edge node or device), or null. */
export function checkSparkplugId(id: string): string | null {
  if (id.length === 0) return 'an id must not be empty';
  if (/[/+#]/.test(id)) return `id "${id}" contains one of the MQTT reserved characters / + #`;
  return null;
}

export interface SparkplugTopic {
  groupId: string;
  type: MessageType;
  edgeNodeId: string;
  deviceId?: string;
}

export function nodeTopic(groupId: string, type: NodeMessageType, edgeNodeId: string): string {
  return `${SPARKPLUG_NAMESPACE}/${groupId}/${type}/${edgeNodeId}`;
}

export function deviceTopic(groupId: string, type: DeviceMessageType, edgeNodeId: string, deviceId: string): string {
  return `${SPARKPLUG_NAMESPACE}/${groupId}/${type}/${edgeNodeId}/${deviceId}`;
}

export function parseSparkplugTopic(topic: string): { ok: true; value: SparkplugTopic } | { ok: false; error: string } {
  const parts = topic.split('/');
  if (parts[0] !== SPARKPLUG_NAMESPACE) return { ok: false, error: `topic "${topic}" is not in the ${SPARKPLUG_NAMESPACE} namespace` };
  if (parts.some((p) => p.length === 0)) return { ok: false, error: `topic "${topic}" has an empty level` };
  const [, groupId, type, edgeNodeId, deviceId] = parts;
  if (parts.length === 4 && NODE_TYPES.has(type!)) return { ok: true, value: { groupId: groupId!, type: type as MessageType, edgeNodeId: edgeNodeId! } };
  if (parts.length === 5 && DEVICE_TYPES.has(type!)) return { ok: true, value: { groupId: groupId!, type: type as MessageType, edgeNodeId: edgeNodeId!, deviceId: deviceId! } };
  return { ok: false, error: `topic "${topic}" is not spBv1.0/<group>/<node message>/<node> or spBv1.0/<group>/<device message>/<node>/<device>` };
}
