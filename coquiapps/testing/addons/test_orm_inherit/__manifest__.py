{
    "name": "ORM test inheritance",
    "version": "1.0",
    "category": "Hidden/Tests",
    "depends": ["test_orm"],
    "data": [],
    "license": "LGPL-3",
}
