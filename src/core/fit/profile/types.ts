import type { BaseTypeInfo } from '../proto/base-types.js';

/** One piece of a field's bits that expands into another field (FIT profile "components"). */
export interface Component {
  /** The destination field's number in the same message. */
  fieldNum: number;
  bits: number;
  scale: number;
  offset: number;
  /** The destination accumulates across messages (e.g. record.distance from compressed_speed_distance). */
  accumulate: boolean;
}

/** A field's meaning when another field of the message has a given value. */
export interface SubField {
  name: string;
  type: string;
  baseType: BaseTypeInfo;
  scale: number;
  offset: number;
  units: string;
  components: Component[];
  /** Active when any of these reference fields holds the value. */
  refs: { fieldNum: number; value: number }[];
}

export interface FieldDef {
  num: number;
  name: string;
  /** Profile type name in snake_case: a base type name, or a named type such as `date_time`. */
  type: string;
  baseType: BaseTypeInfo;
  array: boolean;
  scale: number;
  offset: number;
  units: string;
  components: Component[];
  /** Native values of this field set the base its accumulated components build on. */
  accumulate: boolean;
  subfields: SubField[];
}

export interface MessageDef {
  num: number;
  name: string;
  fields: Map<number, FieldDef>;
  /** Where this definition came from: `sdk` (Garmin's profile), `fitkit` or a user file. */
  source: string;
}

export interface TypeDef {
  name: string;
  /** Base type of fields of this type, when known. */
  baseType?: string;
  values: Map<number, string>;
}
