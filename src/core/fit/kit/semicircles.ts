/**
 * FIT positions are semicircles: 2^31 of them make 180°, so an int32 covers the globe. Every
 * conversion goes through these (180 / 2^31 is exact in a double, so degrees come out correctly
 * rounded, the same as Garmin's FitCSVTool `-deg`).
 */

/** Degrees per semicircle (exact). */
export const DEGREES_PER_SEMICIRCLE = 180 / 2 ** 31;
/** Semicircles per degree. */
export const SEMICIRCLES_PER_DEGREE = 2 ** 31 / 180;
/** Radians per semicircle. */
export const RADIANS_PER_SEMICIRCLE = Math.PI / 2 ** 31;
/** The largest |latitude| (90°) and the bound on |longitude| (180°), in semicircles. */
export const MAX_LAT_SEMICIRCLES = 2 ** 30;
export const MAX_LON_SEMICIRCLES = 2 ** 31;

export const degreesFromSemicircles = (semicircles: number): number => semicircles * DEGREES_PER_SEMICIRCLE;

/** Degrees to the nearest whole semicircle, as a position field stores it. */
export const semicirclesFromDegrees = (degrees: number): number => Math.round(degrees * SEMICIRCLES_PER_DEGREE);
