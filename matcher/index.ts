export type { GrayImage, Minutia, MinutiaType, Template } from './types.ts';
export { ImageFormatError } from './errors.ts';
export type { DecodeResult } from './errors.ts';
export { decodeImage, decodeR30xImage, encodeBmp, resampleTo } from './image.ts';
export type { DecodeImageOptions } from './image.ts';
export { encodeIso19794, decodeIso19794, decodeAnsi378 } from './iso.ts';
export type { TemplateDecodeOptions, EncodeIsoOptions } from './iso.ts';
