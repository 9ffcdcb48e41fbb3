/**
 * The recording device in words, for the GPX track description: manufacturer and product named
 * from the profile's type tables (`manufacturer`, `garmin_product`), or the product_name string
 * other makers write, plus the serial number from file_id / device_info.
 */
import type { Profile } from '../../fit/profile/profile.js';
import type { DeviceFields } from './outline.js';

/** `edgeExplore` → `Edge Explore`, `fr945` → `Fr945`, `wahoo_fitness` → `Wahoo Fitness`. */
function words(s: string): string {
  return s
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

function typeName(profile: Profile, type: string, value: number): string | undefined {
  return profile.types.get(type)?.values.get(value);
}

/** E.g. "Garmin Edge Explore (serial 3311295683)"; undefined when nothing is known. */
export function describeDevice(d: DeviceFields, profile: Profile): string | undefined {
  const maker = typeof d.manufacturer === 'number' ? (typeName(profile, 'manufacturer', d.manufacturer) ?? `manufacturer ${d.manufacturer}`) : d.manufacturer;
  let product = d.productName;
  if (!product && d.product !== undefined) {
    const table = maker === 'garmin' || maker === 'dynastream' || maker === 'dynastream_oem' || maker === 'tacx' ? 'garmin_product' : maker === 'favero_electronics' ? 'favero_product' : undefined;
    const named = table ? typeName(profile, table, d.product) : undefined;
    product = named ? words(named) : `product ${d.product}`;
  }
  const parts = [maker ? words(maker) : undefined, product].filter(Boolean);
  // product_name often repeats the maker ("Suunto Vertical 2").
  if (parts.length === 2 && parts[1]!.toLowerCase().startsWith(parts[0]!.toLowerCase())) parts.shift();
  let s = parts.join(' ');
  if (d.serial !== undefined) s += `${s ? ' ' : ''}(serial ${d.serial})`;
  return s || undefined;
}
