// The ipmi_sim launcher moved to hw/fence/ipmi/testing so the fence benchmark
// can use it too; the tests keep importing it from here.

export { IPMI_SIM, ipmiSimMissing, startIpmiSim, type IpmiSimHandle, type IpmiSimOptions } from '../../../../hw/fence/ipmi/testing/ipmiSim';
