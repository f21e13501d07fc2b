// The native IPMI-over-LAN fence agent and the pieces others may reuse: the
// session openers (v1.5 and RMCP+), chassis helpers, and the UDP link.

export { IpmiFenceDevice, type IpmiFenceOptions } from './device';
export type { PrivilegeName } from './appCommands';
export type { AuthTypeName } from './authCode';
export type { ChassisAction } from './chassis';
export { controlChassis, readPower, type PowerReading } from './chassisClient';
export { V15Conversation } from './lanSession15';
export { V20Conversation } from './lanSession20';
export type { IpmiCredentials, IpmiSession, SessionPolicy } from './session';
export { nodeUdpSocket, udpLinkFactory, type DatagramLink, type DatagramLinkFactory, type UdpSocketFactory, type UdpSocketLike } from './udpTransport';
