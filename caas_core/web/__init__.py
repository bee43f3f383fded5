"""Our HTTP service toolkit: route tables, problem documents, OpenAPI from route tables, the Flask edge."""
