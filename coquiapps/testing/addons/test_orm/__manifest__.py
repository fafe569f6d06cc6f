{
    "name": "ORM test models",
    "version": "1.0",
    "summary": "Models exercising every field type (tests only)",
    "category": "Hidden/Tests",
    "depends": ["base"],
    "data": ["security/ir.model.access.csv", "security/rules.xml"],
    "license": "LGPL-3",
}
