/** Card reader/writer and the KTP-el chip: APDU and TLV codecs, chip profile, SOD and passive authentication, test factory. */
export * from './errors.ts';
export * from './tlv.ts';
export * from './apdu.ts';
export * from './fcp.ts';
export * from './profile.ts';
export * from './files.ts';
export * from './sod.ts';
export * from './passive-auth.ts';
export * from './factory.ts';
export * from './atr.ts';
export * from './virtual-card.ts';
export * from './transport.ts';
export * from './in-process.ts';
export * from './vpcd-card.ts';
export * from './session.ts';
export * from './driver.ts';
export * from './pcsc-transport.ts';
