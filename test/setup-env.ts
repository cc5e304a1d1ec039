// Loaded by Jest before every test file: decorator metadata for type-graphql and TypeORM.
import 'reflect-metadata';
