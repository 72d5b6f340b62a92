/** An 8-bit grey image, row-major, 0 = black. `dpi` is the sampling resolution in pixels per inch. */
export interface GrayImage {
  width: number;
  height: number;
  dpi: number;
  pixels: Uint8Array;
}

/** ISO/IEC 19794-2 minutia types: 1 ridge ending, 2 bifurcation, 0 other. */
export type MinutiaType = 0 | 1 | 2;

/**
 * One minutia in 500-dpi pixel coordinates (origin top-left, y down).
 * `angle` is in radians, [0, 2π), counter-clockwise from the x axis as seen on screen (so the
 * direction vector in pixel coordinates is (cos a, -sin a)); this is the ISO/IEC 19794-2
 * convention, and the codec converts to and from its 1.40625° units.
 */
export interface Minutia {
  x: number;
  y: number;
  angle: number;
  type: MinutiaType;
  /** 0-100 */
  quality: number;
}

/** A minutiae template. Coordinates are always at 500 dpi, whatever the source resolution. */
export interface Template {
  /** image size in 500-dpi pixels */
  width: number;
  height: number;
  /** always 500 for templates made or normalised by this library */
  resolution: number;
  /** image quality 0-100 */
  quality: number;
  minutiae: Minutia[];
  /**
   * ridge orientation field of the print, when the template was made from an image (records from
   * other vendors carry none): matching then also checks that the aligned ridge flows agree
   */
  field?: OrientationField;
}

/**
 * Ridge flow in square cells of `cell` 500-dpi pixels, row-major from the image's top-left corner.
 * `dir` is the ridge direction modulo π in units of π/128, counter-clockwise on screen like the
 * minutiae angles; FIELD_NONE where the cell is not print.
 */
export interface OrientationField {
  cell: number;
  cols: number;
  rows: number;
  dir: Uint8Array;
}

export const FIELD_NONE = 255;
