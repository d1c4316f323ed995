// The build's layers, as build/GlobalUsings.cs imports them.
global using Pipeline.Matrix;
global using Pipeline.Model;
global using Pipeline.Rules;
global using Pipeline.Tools;
