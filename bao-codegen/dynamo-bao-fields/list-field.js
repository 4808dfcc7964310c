// Written by `bao codegen --dynamo-bao-fields`. DO NOT EDIT: regenerate instead.
// ListField: dynamo-bao custom field for an array, stored as a DynamoDB list
// (L) and read back as is. [] is stored as no attribute (like StringSetField)
// and a missing attribute reads back as []. Options: items (field type name
// or shape name), required. Cannot be a key/index part (toGsi throws).
// CommonJS on purpose: dynamo-bao's codegen require()s this file, and both
// CJS (require) and ESM (import { ListField }) models can load it.
"use strict";
const { ValidationError } = require("dynamo-bao/src/exceptions.js");
const { BaoBaseField, forceLists } = require("./object-field.js");

class ListField extends BaoBaseField {
  constructor(options = {}) {
    super(options);
    this.items = options.items;
  }
  validate(value, fieldName = null) {
    super.validate(value); // required: rejects null/undefined
    if (value != null && !Array.isArray(value)) {
      throw new ValidationError(`ListField (${this.items}) value must be an array`, fieldName, value);
    }
    return true;
  }
  // [] -> null: the update REMOVEs the attribute. The copy gives a new
  // reference so reassigning a mutated array counts as a change. Non-array
  // values (filter operands, e.g. $contains) pass through.
  toDy(value) {
    if (!Array.isArray(value)) return value;
    return value.length === 0 ? null : value.slice();
  }
  fromDy(value) {
    return value == null ? [] : value;
  }
  toGsi(value) {
    throw new ValidationError("ListField does not support GSI conversion", null, value);
  }
  getUpdateExpression(fieldName, value) {
    const exp = super.getUpdateExpression(fieldName, value);
    if (exp && exp.type === "SET") exp.fieldValue = forceLists(exp.fieldValue);
    return exp;
  }
}

exports.ListField = (options) => new ListField(options);
exports.ListFieldClass = ListField;
