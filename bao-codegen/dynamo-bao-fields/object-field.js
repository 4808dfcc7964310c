// Written by `bao codegen --dynamo-bao-fields`. DO NOT EDIT: regenerate instead.
// ObjectField: dynamo-bao custom field for a value of a bao shape: a plain JS
// object stored as a DynamoDB map (M) and read back as is. Options: shape
// (shape name), required. Cannot be a key/index part (toGsi throws). Arrays
// inside are written as lists (L), never as string/number sets (SS/NS).
// CommonJS on purpose: dynamo-bao's codegen require()s this file, and both
// CJS (require) and ESM (import { ObjectField }) models can load it.
"use strict";
const fields = require("dynamo-bao/src/fields.js");
const { ValidationError } = require("dynamo-bao/src/exceptions.js");

// BaoBaseField is not exported by dynamo-bao; StringField extends it directly.
const BaoBaseField = Object.getPrototypeOf(fields.StringFieldClass);

function isPlainObject(v) {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

// dynamo-bao's marshall() writes an array of only strings/numbers as SS/NS
// (sets: duplicates rejected, order lost). It decides with `arr.every(...)`;
// an own `every` returning false makes it write L. Used on a deep copy at
// write time only, so models and callers never see these arrays.
function forceLists(v) {
  if (Array.isArray(v)) {
    const out = v.map(forceLists);
    Object.defineProperty(out, "every", { value: () => false, configurable: true });
    return out;
  }
  if (!isPlainObject(v)) return v;
  const out = {};
  for (const k of Object.keys(v)) if (v[k] !== undefined) out[k] = forceLists(v[k]);
  return out;
}

class ObjectField extends BaoBaseField {
  constructor(options = {}) {
    super(options);
    this.shape = options.shape;
  }
  validate(value, fieldName = null) {
    super.validate(value); // required: rejects null/undefined
    if (value != null && !isPlainObject(value)) {
      throw new ValidationError(`ObjectField (${this.shape}) value must be a plain object`, fieldName, value);
    }
    return true;
  }
  // As is; the shallow copy gives a new reference so that reassigning a
  // mutated object (model.f = model.f) counts as a change (setter uses !==).
  toDy(value) {
    return isPlainObject(value) ? { ...value } : value;
  }
  fromDy(value) {
    return value;
  }
  toGsi(value) {
    throw new ValidationError("ObjectField does not support GSI conversion", null, value);
  }
  getUpdateExpression(fieldName, value) {
    const exp = super.getUpdateExpression(fieldName, value);
    if (exp && exp.type === "SET") exp.fieldValue = forceLists(exp.fieldValue);
    return exp;
  }
}

exports.ObjectField = (options) => new ObjectField(options);
exports.ObjectFieldClass = ObjectField;
exports.BaoBaseField = BaoBaseField;
exports.forceLists = forceLists;
